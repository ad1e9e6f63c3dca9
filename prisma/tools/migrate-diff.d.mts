export declare const root: string;
export declare const schemaPath: string;
export declare const migrationsDir: string;
export declare function diffServerUrl(): string;
export declare function migrateDiff(options: {
  from: { migrations: true } | { empty: true };
  serverUrl?: string;
  schema?: string;
}): Promise<{ changed: boolean; sql: string }>;
