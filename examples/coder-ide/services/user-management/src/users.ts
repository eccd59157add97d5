/** User accounts and the plan each one is on. */
export interface User {
  id: string;
  email: string;
  plan: 'free' | 'team' | 'enterprise';
}

const users = new Map<string, User>();

export function findUser(id: string): User | undefined {
  return users.get(id);
}

export function createUser(email: string, plan: User['plan'] = 'free'): User {
  const user = { id: `u_${users.size + 1}`, email, plan };
  users.set(user.id, user);
  return user;
}
