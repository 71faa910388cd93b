import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, headRowFor, loadClassifier } from '../../src/classify/index.ts';
import { CompiledEmergencyHead, trainEmergencyHead } from '../../src/classify/emergency-head.ts';
import { factorByFirstChar } from '../../src/classify/emergency.ts';
import { ModelFileSchema } from '../../src/classify/model.ts';
import { CompiledEmergencyCategories, trainEmergencyCategories } from '../../src/classify/emergency-category.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The committed model file without one of its parts, as a model written before that part existed. */
function committedModelWithout(part: 'emergencyHead' | 'emergencyCategories'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-model-'));
  dirs.push(dir);
  const file = JSON.parse(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')) as Record<string, unknown>;
  delete file[part];
  const out = path.join(dir, 'model.json');
  fs.writeFileSync(out, JSON.stringify(file));
  return out;
}

describe('emergency head', () => {
  it('is in the committed model, and trains deterministically', () => {
    const file = ModelFileSchema.parse(JSON.parse(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')));
    expect(file.emergencyHead?.features.length).toBeGreaterThan(1000);
    expect(file.emergencyHead?.meta.maxChars).toBeGreaterThan(20);
    const rows = [
      headRowFor('我不想活了', true, 1),
      headRowFor('有人拿刀在砍人', true, 1),
      headRowFor('今天天气不错', false, 1),
      headRowFor('笑死我了这个视频', false, 1),
    ];
    expect(JSON.stringify(trainEmergencyHead(rows))).toBe(JSON.stringify(trainEmergencyHead(rows)));
    const head = new CompiledEmergencyHead(trainEmergencyHead(rows));
    expect(head.score(rows[0]!.bag)).toBeGreaterThan(head.score(rows[2]!.bag));
  });

  it('a model file without a head (written before it existed) still loads: rules only', () => {
    const classifier = loadClassifier({ modelPath: committedModelWithout('emergencyHead') });
    expect(classifier.classify('我不想活了，药都准备好了').intent).toBe('emergency');
    expect(classifier.classify('笑死，这题好难').intent).not.toBe('emergency');
  });

  it('adds an emergency that names no danger word when it is sure, and the category model names its kind', () => {
    const c = loadClassifier();
    // No 死/药/跳…: a goodbye, affairs put in order. The rules are silent; the head is not.
    for (const text of ['钱都转给我妈了，留了一段录音在手机里，明天早上你们就知道了', '我把猫托付给室友了，存款密码写在纸条上压在枕头下面，你们别找我']) {
      const r = c.classify(text);
      expect(r.intent, text).toBe('emergency');
      expect(r.category, text).toBe('self_harm');
    }
    // The same words told as a story are blocked, as for the rules.
    expect(c.classify('小说里她把钱都转给妈妈，留了一段录音，说明天早上你们就知道了').intent).not.toBe('emergency');
  });

  it('without the category model (older model files) an emergency still gets an emergency category', () => {
    const r = loadClassifier({ modelPath: committedModelWithout('emergencyCategories') }).classify('钱都转给我妈了，留了一段录音在手机里，明天早上你们就知道了');
    expect(r.intent).toBe('emergency');
    expect(['self_harm', 'violent_threat', 'fraud', 'other']).toContain(r.category);
  });

  it('the emergency category model trains deterministically and separates the kinds it was shown', () => {
    const rows = [
      { text: '我不想活了，药都吃了', category: 'self_harm' as const },
      { text: '遗书写好了，再见了', category: 'self_harm' as const },
      { text: '有人拿刀在砍人', category: 'violent_threat' as const },
      { text: '他说要炸了学校', category: 'violent_threat' as const },
      { text: '我妈正在给骗子转账', category: 'fraud' as const },
      { text: '对方让我开屏幕共享', category: 'fraud' as const },
      { text: '孩子在商场走丢了', category: 'other' as const },
      { text: '被困在电梯里出不来', category: 'other' as const },
    ].map((r) => ({ bag: headRowFor(r.text, true, 1).bag, category: r.category, weight: 1 }));
    const once = trainEmergencyCategories(rows, { minCount: 1 });
    expect(JSON.stringify(trainEmergencyCategories(rows, { minCount: 1 }))).toBe(JSON.stringify(once));
    const compiled = new CompiledEmergencyCategories(once);
    for (const r of rows) expect(compiled.best(r.bag).category).toBe(r.category);
    const file = ModelFileSchema.parse(JSON.parse(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8')));
    expect(file.emergencyCategories?.categories).toEqual(['self_harm', 'violent_threat', 'fraud', 'other']);
  });

  it('never fires on idioms, film or game talk', () => {
    const c = loadClassifier();
    for (const text of ['笑死我了', '累死了，今天加班到十点', '救命这题好难', '这部电影里主角最后跳楼了，好虐', '游戏里我一刀砍死了boss']) {
      expect(c.classify(text).intent, text).not.toBe('emergency');
    }
  });
});

describe('factorByFirstChar', () => {
  it('splits an opening group of plain words and still matches exactly the same texts', () => {
    const re = /(?:安眠药|药)[^。]{0,4}攒(?:了|够)|(?:打|揍)(?<![拨呼敲][打揍])(?:我|他)(?!们)|(?:了)?走|^救命$/;
    const factored = factorByFirstChar(re);
    expect(factored.source).not.toBe(re.source);
    const texts = ['安眠药都攒够了', '药我攒了', '他打我了', '呼打我', '打我们', '了走', '走', '救命', '救命啊', '攒了药', ''];
    for (const t of texts) expect(factored.test(t), t).toBe(re.test(t));
  });
});
