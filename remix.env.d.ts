/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import '@remix-run/node'
declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** the client's address (X-Forwarded-For only with TRUST_PROXY=1) */
    ip: string
    /** the Content-Security-Policy nonce of this response */
    nonce: string
  }
}
