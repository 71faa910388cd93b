import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAccountId, maskBankCard, maskIdCard, maskName, maskPhone, maskText } from '../../src/reports/mask.ts';

describe('masking', () => {
  it('masks each kind of number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('+86 138****5678');
    expect(maskPhone('0531-87654321')).toBe('0531-****4321');
    expect(maskIdCard('11010119900307123X')).toBe('110***********123X');
    expect(maskBankCard('6222 0212 3456 7890 123')).toBe('6222***********0123');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张**');
    expect(maskName('  ')).toBe('');
    expect(maskAccountId('5012345678')).toBe('50***78');
    expect(maskAccountId('13812345678')).toBe('138****5678');
    expect(maskAccountId('u1')).toBe('**');
  });

  it('masks numbers inside free text and leaves the rest alone', () => {
    expect(
      maskText('骗子电话13812345678，身份证110101199003071234，卡号6222021234567890123，座机0531-87654321，案件NP20261101000001'),
    ).toBe('骗子电话138****5678，身份证110***********1234，卡号6222***********0123，座机0531-****4321，案件NP20261101000001');
    expect(maskText('转账 200 元到 6222 0212 3456 7890')).toBe('转账 200 元到 6222********7890');
    expect(maskText('谢谢警察叔叔')).toBe('谢谢警察叔叔');
  });

  it('never lets a whole mobile number through', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), fc.string({ maxLength: 20 }), (a, second, rest, b) => {
        const phone = `1${second}${rest}`;
        const out = maskText(`${a} ${phone} ${b}`);
        return !out.includes(phone) || `${a}${b}`.includes(phone);
      }),
    );
  });
});
