/** Menu schemas: ipv6 (being written). */
import type { MenuSpec } from './schema';

export const MENUS: MenuSpec[] = [];
