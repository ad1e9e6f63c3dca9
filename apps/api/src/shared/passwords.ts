import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null): Promise<boolean>;
}

export function createPasswordHasher(rounds: number): PasswordHasher {
  // Comparing against a real hash when the user does not exist keeps response time from revealing usernames.
  const dummy = bcrypt.hashSync('not-a-real-password', rounds);
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    verify: (password, hash) => bcrypt.compare(password, hash ?? dummy),
  };
}
