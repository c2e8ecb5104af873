'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { LogoMark } from '@/components/ui/icons.tsx';
import { isActiveNavItem, navItems } from './nav-items.ts';
import { ThemeToggle } from './theme-toggle.tsx';

export function TopNav() {
  const pathname = usePathname();
  return (
    <header className="z-30 shrink-0 border-b border-slate-200 bg-surface">
      <nav className="mx-auto flex h-14 max-w-screen-2xl items-center gap-2 px-2 sm:gap-6 sm:px-6" aria-label="Main">
        {/* Below 420 px the five tabs need the whole width: the logo (a link to Chat, like the first tab) gives way. */}
        <Link href="/" aria-label="MGM Serve: chat" className="hidden shrink-0 items-center gap-2 whitespace-nowrap font-semibold tracking-tight text-slate-900 min-[420px]:flex">
          <LogoMark className="size-7" />
          <span className="hidden min-[400px]:inline">
            MGM <span className="text-brand-600">Serve</span>
          </span>
        </Link>
        <ul className="flex min-w-0 items-center gap-0.5 overflow-x-auto text-xs min-[420px]:text-sm sm:gap-1">
          {navItems.map((item) => {
            const active = isActiveNavItem(item, pathname);
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={active ? 'page' : undefined}
                  className={`whitespace-nowrap rounded-md px-0.5 py-1.5 font-medium transition-colors min-[420px]:px-2 sm:px-3 ${
                    active ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
                  }`}
                >
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="ml-auto shrink-0">
          <ThemeToggle />
        </div>
      </nav>
    </header>
  );
}
