/** The root component of {{ name }}: {{ description }}. */
import { useState } from 'react';

import { greeting } from './greeting';

export function App() {
  const [name, setName] = useState('');
  return (
    <main>
      <h1>{{ title }}</h1>
      <label>
        Your name <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <p role="status">{greeting(name)}</p>
    </main>
  );
}
