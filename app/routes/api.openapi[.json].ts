import { openApiDocument } from '#app/integration/openapi.ts'

/** The OpenAPI 3 description of the import API (no data in it: public, for whoever sets up a sending system). */
export function loader() {
  return new Response(JSON.stringify(openApiDocument(), null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}
