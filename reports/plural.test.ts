import { agree, countOf, plural, WORDS } from './plural.ts'

describe('one Russian plural rule', () => {
  it('picks the form for 1, 2–4 and 5+ (and 11–14)', () => {
    const cases: [number, string][] = [
      [0, 'часов'],
      [1, 'час'],
      [2, 'часа'],
      [4, 'часа'],
      [5, 'часов'],
      [11, 'часов'],
      [12, 'часов'],
      [14, 'часов'],
      [21, 'час'],
      [22, 'часа'],
      [25, 'часов'],
      [101, 'час'],
      [111, 'часов'],
      [112, 'часов'],
      [1004, 'часа'],
      [-1, 'час'],
    ]
    for (const [n, word] of cases) expect(plural(n, WORDS.hour), String(n)).toBe(word)
  })

  it('a fraction takes the form of «двух»', () => {
    expect(plural(1.5, WORDS.hour)).toBe('часа')
    expect(countOf(0.5, WORDS.day)).toBe('0,5 дня')
  })

  it('writes the number in ru-RU', () => {
    expect(countOf(4, WORDS.hour)).toBe('4 часа')
    expect(countOf(1, WORDS.sign)).toBe('1 знак')
    expect(countOf(12345, WORDS.appeal)).toBe('12\u00a0345 обращений')
    expect(countOf(30, WORDS.calendarDay)).toBe('30 календарных дней')
    expect(countOf(3, WORDS.workingDay)).toBe('3 рабочих дня')
  })

  it('agrees a verb with the count', () => {
    expect(`${countOf(1, WORDS.appeal)} ${agree(1, 'отмечено', 'отмечены')}`).toBe('1 обращение отмечено')
    expect(`${countOf(3, WORDS.appeal)} ${agree(3, 'отмечено', 'отмечены')}`).toBe('3 обращения отмечены')
  })
})
