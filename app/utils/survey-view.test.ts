import { redactContacts } from './survey-view.server.ts'

describe('free answers shown to roles without personal data', () => {
  it('hide phones, account numbers and e-mails, keep the rest', () => {
    expect(redactContacts('Перезвоните: +7 (912) 345-67-89, лс 1234567890, почта ivan.petrov@mail.ru')).toBe('Перезвоните: •••, лс •••, почта •••@•••')
    expect(redactContacts('Ждал 40 минут в офисе 2, окно 12')).toBe('Ждал 40 минут в офисе 2, окно 12')
    expect(redactContacts('Дата 12.03.2025')).toBe('Дата •••')
  })

  it('hide e-mails disguised from robots', () => {
    for (const disguised of [
      'ivan(at)mail.ru',
      'ivan [собака] mail.ru',
      'ivan at mail dot ru',
      'ivan собака mail точка ru',
      'Ivan.Petrov (AT) Mail (dot) Ru',
      'ivan＠mail.ru',
      'ivan @ mail . ru',
      'ivan{at}mail[.]ru'.replace('[.]', '[dot]'),
    ]) {
      expect(redactContacts(`пишите на ${disguised}, спасибо`)).toBe('пишите на •••@•••, спасибо')
    }
    // words that merely contain «at» or «собака» stay
    expect(redactContacts('Собака охранника лаяла at all times. Кот.ру')).toBe('Собака охранника лаяла at all times. Кот.ру')
  })
})
