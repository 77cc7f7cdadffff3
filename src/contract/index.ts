export * from './credits.js';
export * from './operations.js';
export * from './errors.js';
export * from './ledger.js';
export * from './chat.js';
export * from './byok.js';
export * from './admin.js';
export * from './webhooks.js';
