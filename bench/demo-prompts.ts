// Prompts a builder types, per operation type: what the bench sends the default demo.
import type { OperationType } from '../src/contract/index.js';

export const DEMO_PROMPTS: Record<OperationType, readonly string[]> = {
  app_generation: [
    'A CRM for customers and their orders',
    'Build an inventory tracker for our warehouse',
    'An app to approve employee expense claims',
    'Help desk for support tickets with priorities',
    'Project tracker with tasks, owners and deadlines',
    'Invoice management for the finance team',
  ],
  new_feature: [
    'Add CSV export to the orders table',
    'Add bulk status change to the tickets list',
    'Let managers approve invoices from the list',
    'Add a duplicate button for products',
    'Email the selected customers a reminder',
    'Archive old tasks in bulk',
  ],
  modify_layout: [
    'Make the dashboard three columns and responsive on mobile',
    'Two columns for the orders page, dark theme',
    'Center the dashboard and make it work on phones',
    'Put the orders filters in one row, two columns',
    'Make the cards on the dashboard 3 per row',
    'Tidy up the spacing on the orders page',
  ],
  modify_queries: [
    'Add a discount code to orders',
    'Add a region to customers',
    'Track the shipped date on orders',
    'Add a notes field to tickets',
    'Add a cost price to products',
    'Store the payment reference on payments',
  ],
  debug_autofix: [
    'customersTable shows an error: cannot read properties of undefined',
    'ordersTable is empty after the page loads',
    'The revenue chart shows NaN',
    'invoicesTable breaks when the filter is cleared',
    'productsTable says data.map is not a function',
    'tasksTable error on first load',
  ],
  docs_assistant: [
    'How do event handlers work?',
    'How do I pass a value from a table to a query?',
    'What does run on page load do?',
    'How can I hide a component for some users?',
    'How do transformers work?',
    'How do I release a new version of my app?',
  ],
  sql_generation: [
    'Top 10 customers by lifetime value',
    'how many orders per status last week',
    'top 5 customers by lifetime value',
    'invoices overdue in the last 30 days',
    'count tickets per priority',
    'products with the highest price',
  ],
  custom_code: [
    'A transformer that formats order totals as currency',
    'format the invoice amounts with two decimals',
    'round product prices',
    'show salaries with two decimals',
    'format payment amounts',
    'clean up project budgets',
  ],
};
