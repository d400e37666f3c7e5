/** Menu schemas: ip (being written). */
import type { MenuSpec } from './schema';

export const MENUS: MenuSpec[] = [];
