// The server listens on PORT (default 3000; `PORT={{ port }} npm run dev`).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  output: 'standalone',
};

export default nextConfig;
