/** Menu schemas: routing (being written). */
import type { MenuSpec } from './schema';

export const MENUS: MenuSpec[] = [];
