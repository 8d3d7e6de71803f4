// react-dom ships `react-dom/server.browser` (the web-streams renderer); @types/react-dom types it under `react-dom/server`
declare module 'react-dom/server.browser' {
  export { renderToReadableStream } from 'react-dom/server'
}
