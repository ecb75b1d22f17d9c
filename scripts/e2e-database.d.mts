// Types of e2e-database.mjs (the e2e specs import it).
export declare const E2E_DATABASE: string;
export declare function e2eDatabaseUrl(): string;
export declare const e2eAdminUrl: string;
