import { type ReactElement, createContext } from 'react'

/**
 * On the server, what draws a chart's SVG once per distinct content (app/utils/chart-markup.server.ts, given
 * by entry.server.tsx); none in the browser, where recharts draws the chart itself (charts.tsx).
 */
export type DrawChart = (key: string, chart: () => ReactElement) => string

export const ChartMarkupContext = createContext<DrawChart | null>(null)
export const ChartMarkupProvider = ChartMarkupContext.Provider
