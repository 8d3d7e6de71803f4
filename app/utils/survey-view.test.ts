import { redactContacts } from './survey-view.server.ts'

describe('free answers shown to roles without personal data', () => {
  it('hide phones, account numbers and e-mails, keep the rest', () => {
    expect(redactContacts('Перезвоните: +7 (912) 345-67-89, лс 1234567890, почта ivan.petrov@mail.ru')).toBe('Перезвоните: •••, лс •••, почта •••@•••')
    expect(redactContacts('Ждал 40 минут в офисе 2, окно 12')).toBe('Ждал 40 минут в офисе 2, окно 12')
    expect(redactContacts('Дата 12.03.2025')).toBe('Дата •••')
  })
})
