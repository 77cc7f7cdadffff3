export * from './credit-before-send.js';
export * from './credit-debited.js';
export * from './credit-insufficient.js';
export * from './credit-buy.js';
export * from './credit-insert.js';
export * from './credit-error.js';
export * from './credit-event.js';
export * from './credit-feedback.js';
