import { describe, expect, it } from 'vitest';
import { extractEntities, idNumberValid, luhnValid, maskNumber, normalize } from '../../src/classify/index.ts';

const entitiesOf = (text: string) => extractEntities(normalize(text).text);

describe('entities', () => {
  it('validates bank cards with Luhn', () => {
    expect(luhnValid('6222021234567890128')).toBe(true);
    expect(luhnValid('6222021234567890127')).toBe(false);
    expect(entitiesOf('卡号 6222 0212 3456 7890 128').bankCards).toEqual(['6222021234567890128']);
    expect(entitiesOf('卡号 6222021234567890127').bankCards).toEqual([]);
  });

  it('validates ID numbers with their check character and birth date', () => {
    expect(idNumberValid('11010519491231002X')).toBe(true);
    expect(idNumberValid('110105194912310021')).toBe(false);
    expect(idNumberValid('110105194902300028')).toBe(false); // 30 February
    const e = entitiesOf('身份证号 11010519491231002x');
    expect(e.idNumbers).toEqual(['11010519491231002X']);
    expect(e.bankCards).toEqual([]);
  });

  it('finds mainland mobiles and landlines, and not other numbers', () => {
    const e = entitiesOf('联系 138-1234-5678 或 +8613912345678，座机 0755-82345678，热线 400-123-4567，订单号 12345678901234');
    expect(e.phones).toEqual(['13812345678', '13912345678', '0755-82345678', '4001234567']);
    expect(entitiesOf('号码12345678901').phones).toEqual([]);
  });

  it('finds URLs and bare domains but not e-mail addresses or decimals', () => {
    const e = entitiesOf('登录 https://t.cn/A6xYz9 或 www.icbc-yz.cc/login 领取，邮箱 a@b.com，涨了1.5万');
    expect(e.urls).toEqual(['https://t.cn/A6xYz9', 'www.icbc-yz.cc/login']);
  });

  it('finds QQ numbers and WeChat ids only when cued', () => {
    const e = entitiesOf('加扣扣：2835561990 或 V信：lc_touzi66，另有 123456');
    expect(e.qqNumbers).toEqual(['2835561990']);
    expect(e.wechatIds).toEqual(['lc_touzi66']);
  });

  it('reads amounts in yuan', () => {
    expect(entitiesOf('被骗了五万元').amounts).toEqual([50000]);
    expect(entitiesOf('日赚3千').amounts).toEqual([3000]);
    expect(entitiesOf('只花了200块').amounts).toEqual([200]);
    expect(entitiesOf('转了1.5万，又转了一万五，还有¥300和10,000元').amounts).toEqual([15000, 300, 10000]);
    expect(entitiesOf('跑了3千米，千万不要，万一呢').amounts).toEqual([]);
  });

  it('finds case numbers', () => {
    expect(entitiesOf('查詢 np20261122000123').caseNumbers).toEqual(['NP20261122000123']);
  });

  it('masks numbers for logs', () => {
    expect(maskNumber('13812345678')).toBe('138******78');
  });
});
