import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { App } from './App';

describe('App', () => {
  it('renders the title and the empty greeting', () => {
    const html = renderToString(<App />);
    expect(html).toContain('{{ title }}');
    expect(html).toContain('Who are you?');
  });
});
