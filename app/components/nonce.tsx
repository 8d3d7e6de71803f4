import { createContext, useContext } from 'react'

/** The CSP nonce of the server render; browsers hide it afterwards, so on the client it is ''. */
const NonceContext = createContext<string>('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
