import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  devIndicators: false,
  // The dev server blocks its own scripts and HMR for origins other than localhost unless listed.
  allowedDevOrigins: ['127.0.0.1'],
  // Workspace packages export their TypeScript source.
  transpilePackages: ['@mgm/protocol', '@mgm/evaluation'],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // unauthorized(): /admin answers 401 with the login form (app/unauthorized.tsx) to a request without an admin session.
  experimental: { authInterrupts: true },
};

export default nextConfig;
