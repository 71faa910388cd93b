import { describe, expect, it } from 'vitest';
import { InboundMessageSchema } from '../../src/domain/schemas.ts';
import { parseEnvelope, parsePush, toInbound, WechatPushError } from '../../adapters/wechat-oa/parse.ts';

const head = (type: string, extra: string, create = '1795392000') =>
  `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><FromUserName><![CDATA[oCitizen123456]]></FromUserName>` +
  `<CreateTime>${create}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>${extra}</xml>`;

function stored(xml: string) {
  const r = toInbound(parsePush(xml), 'default');
  if (r.action !== 'store') throw new Error(`expected store, got ignore (${r.reason})`);
  return InboundMessageSchema.parse(r.message);
}

describe('parsePush + toInbound', () => {
  it('text: openid is conversation and sender, MsgId (64-bit) kept exactly', () => {
    const m = stored(head('text', '<Content><![CDATA[我要举报，这个群在卖银行卡 & 身份证]]></Content><MsgId>6547288321577417974</MsgId>'));
    expect(m).toMatchObject({
      platform: 'wechat-oa',
      account: 'default',
      conversationId: 'oCitizen123456',
      senderId: 'oCitizen123456',
      platformMessageId: '6547288321577417974',
      text: '我要举报，这个群在卖银行卡 & 身份证',
      attachments: [],
    });
    expect(m.sentAt.toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('image → attachment with PicUrl, MediaId in meta', () => {
    const m = stored(head('image', '<PicUrl><![CDATA[http://mmbiz.example/pic.jpg]]></PicUrl><MediaId><![CDATA[media-1]]></MediaId><MsgId>1001</MsgId>'));
    expect(m.attachments).toEqual([{ type: 'image', ref: 'http://mmbiz.example/pic.jpg' }]);
    expect(m.meta).toMatchObject({ mediaId: 'media-1', msgType: 'image' });
  });

  it('voice → recognition text when present, voice attachment either way', () => {
    const withText = stored(
      head('voice', '<MediaId><![CDATA[v-1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[有人说要炸学校]]></Recognition><MsgId>1002</MsgId>'),
    );
    expect(withText.text).toBe('有人说要炸学校');
    expect(withText.attachments).toEqual([{ type: 'voice', ref: 'v-1', mimeType: 'audio/amr' }]);
    const bare = stored(head('voice', '<MediaId><![CDATA[v-2]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>1003</MsgId>'));
    expect(bare.text).toBe('');
    expect(bare.meta).toMatchObject({ recognized: false });
  });

  it('link and location', () => {
    const link = stored(
      head('link', '<Title><![CDATA[明天全市停水三天]]></Title><Description><![CDATA[转发]]></Description><Url><![CDATA[https://mp.example/s/abc]]></Url><MsgId>1004</MsgId>'),
    );
    expect(link.text).toBe('明天全市停水三天\n转发\nhttps://mp.example/s/abc');
    expect(link.attachments[0]).toEqual({ type: 'link', ref: 'https://mp.example/s/abc', name: '明天全市停水三天', caption: '转发' });
    const loc = stored(
      head('location', '<Location_X>35.41</Location_X><Location_Y>116.58</Location_Y><Scale>15</Scale><Label><![CDATA[济宁市任城区]]></Label><MsgId>1005</MsgId>'),
    );
    expect(loc.attachments[0]).toEqual({ type: 'location', ref: '35.41,116.58', name: '济宁市任城区' });
    expect(loc.text).toBe('济宁市任城区');
  });

  it('events: subscribe and CLICK stored with openid-CreateTime ids; unsubscribe and VIEW ignored', () => {
    const sub = stored(head('event', '<Event><![CDATA[subscribe]]></Event>', '1795392001'));
    expect(sub).toMatchObject({ platformMessageId: 'oCitizen123456-1795392001', text: '[关注]', meta: { event: 'subscribe' } });
    const click = stored(head('event', '<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[REPORT_TIP]]></EventKey>'));
    expect(click).toMatchObject({ text: '[菜单] REPORT_TIP', meta: { event: 'CLICK', eventKey: 'REPORT_TIP' } });
    expect(toInbound(parsePush(head('event', '<Event><![CDATA[unsubscribe]]></Event>')), 'default')).toEqual({ action: 'ignore', reason: 'event unsubscribe' });
    expect(toInbound(parsePush(head('event', '<Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[https://x]]></EventKey>')), 'default').action).toBe('ignore');
  });

  it('refuses malformed XML, missing fields, unknown types and DOCTYPEs with WechatPushError', () => {
    expect(() => parsePush('<xml><ToUserName>a</ToUserName>')).toThrow(WechatPushError);
    expect(() => parsePush('not xml at all')).toThrow(WechatPushError);
    expect(() => parsePush(head('text', '<Content>hi</Content>'))).toThrow(/MsgId/);
    expect(() => parsePush(head('hologram', '<MsgId>1</MsgId>'))).toThrow(WechatPushError);
    expect(() => parsePush(`<!DOCTYPE x [<!ENTITY a "aaaa">]>${head('text', '<Content>&a;</Content><MsgId>1</MsgId>')}`)).toThrow(/DOCTYPE/);
  });

  it('reads a safe-mode envelope', () => {
    expect(parseEnvelope('<xml><ToUserName><![CDATA[gh_police]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>')).toEqual({
      encrypt: 'abc+/=',
      toUserName: 'gh_police',
    });
    expect(() => parseEnvelope('<xml><ToUserName>x</ToUserName></xml>')).toThrow(/Encrypt/);
  });
});
