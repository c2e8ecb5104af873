export interface NavItem {
  href: string;
  label: string;
}

/** The product's pages, in nav order. Compare, Arena, Leaderboard and Admin join this list when they exist. */
export const navItems: readonly NavItem[] = [{ href: '/', label: 'Chat' }];

export function isActiveNavItem(item: NavItem, pathname: string): boolean {
  return item.href === '/' ? pathname === '/' : pathname === item.href || pathname.startsWith(`${item.href}/`);
}
