import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { labelOf, regime } from '#reports/vocabulary.ts'
import { REPORT_TITLES } from '#reports/registry.server.ts'

export const meta: MetaFunction = () => [{ title: 'Отчёты — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'reports._index.tsx')
  const { org } = await getAppContext()
  return { regime: org.regime, regimeLabel: labelOf(regime, org.regime), titles: REPORT_TITLES }
}

export default function Reports() {
  const { regime, regimeLabel, titles } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Отчёты для регулятора</h1>
      <p className="muted">Режим организации: {regimeLabel}.</p>
      <ul className="cards">
        <li className="card">
          <h2>
            <Link to="/reports/appendix-7">{titles['appendix-7']}</Link>
          </h2>
          <p>
            Ежегодная форма сетевой организации (Приложение 7 к приказу Минэнерго № 186): таблицы 4.1–4.3 и 4.9 из журналов, разделы 1–3 и 4.4–4.8 — из{' '}
            <Link to="/reports/appendix-7/inputs">сведений, внесённых за год</Link>. Проверки согласованности перед выгрузкой, XLSX и ODS, фиксация поданного
            отчёта.
          </p>
        </li>
        <li className="card">
          <h2>
            <Link to="/reports/supplier-standard">{titles['supplier-standard']}</Link>
          </h2>
          <p>
            Каждый норматив стандарта (набор правил «гарантирующий поставщик»), его значение за период, вердикт и все записи, нарушившие норматив.
            {regime === 'network' ? ' У организации режим «сетевая организация»: нормативы гарантирующего поставщика обычно выключены.' : ''}
          </p>
        </li>
        <li className="card">
          <h2>
            <Link to="/reports/policies">Правила классификации для отчётов</Link>
          </h2>
          <p>Как считать формы обслуживания по каналам, повторные обращения, звонки и посетителей в Приложении 7; формула динамики.</p>
        </li>
      </ul>
    </>
  )
}
