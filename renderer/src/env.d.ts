/// <reference types="vite/client" />
/* Vite's client types: stylesheet imports, import.meta.env, import.meta.glob. */
