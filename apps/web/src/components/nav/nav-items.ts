export interface NavItem {
  href: string;
  label: string;
}

/** The product's pages, in nav order. */
export const navItems: readonly NavItem[] = [
  { href: '/', label: 'Chat' },
  { href: '/compare', label: 'Compare' },
  { href: '/arena', label: 'Arena' },
  { href: '/leaderboard', label: 'Leaderboard' },
  { href: '/evaluate', label: 'Evaluate' },
  { href: '/admin', label: 'Admin' },
];

export function isActiveNavItem(item: NavItem, pathname: string): boolean {
  return item.href === '/' ? pathname === '/' : pathname === item.href || pathname.startsWith(`${item.href}/`);
}
