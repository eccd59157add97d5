import { greeting } from '@/lib';

export default function Home() {
  return (
    <main>
      <h1>{{ title }}</h1>
      <p>{greeting('world')}</p>
    </main>
  );
}
