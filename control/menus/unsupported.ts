/** RouterOS menus flowplane recognises but does not model (being written). */
export const UNSUPPORTED_MENUS: string[] = [];
