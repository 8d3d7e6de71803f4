import { auditActionLabel, auditDetailsText, auditObjectText } from './audit-text.ts'

describe('the audit log in Russian', () => {
  it('names every action the product records, and no code reaches the screen', () => {
    for (const action of ['survey.link', 'report.freeze', 'report.input', 'calendar.update', 'rule.update', 'user.unlock', 'import', 'export']) {
      expect(auditActionLabel(action)).not.toMatch(/[a-z]/)
    }
    expect(auditActionLabel('survey.link')).toBe('выпущена ссылка на опрос')
    expect(auditActionLabel('something.new')).toBe('другое действие')
  })

  it('details read as «поле: значение», not JSON', () => {
    expect(
      auditDetailsText({ kind: 'offices', file: 'offices.csv', status: 'rejected', read: 2, stored: 0, rejected: 2, invalid: 2, skipInvalid: false }),
    ).toBe(
      'вид: офисы обслуживания · файл: offices.csv · итог: отклонён · прочитано строк: 2 · сохранено: 0 · отклонено: 2 · строк с ошибками: 2 · ошибочные строки: не пропускались',
    )
    expect(auditDetailsText({ report: 'register-appeals', rows: 12345, personalData: true })).toBe(
      'отчёт: журнал обращений · строк: 12\u00a0345 · персональные данные: показаны',
    )
    expect(auditDetailsText({ survey: '3', record: null })).toBe('опрос №: 3 · запись: без записи')
    expect(auditDetailsText({})).toBe('')
    expect(auditDetailsText({ query: 'period=year&year=2025' })).toBe('')
    expect(auditObjectText('appendix-7')).toBe('Приложение 7')
    expect(auditObjectText('appendix-7 t4_1')).toBe('Приложение 7, раздел t4_1')
  })
})
