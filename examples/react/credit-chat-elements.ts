// JSX types of the two elements for React 19 (React sets these props as element properties).
import type { DetailedHTMLProps, HTMLAttributes, Ref } from 'react';
import type { CreditBalance, CreditChat, OperationType } from 'credit-chat';

interface CreditElementProps<E extends HTMLElement> extends DetailedHTMLProps<HTMLAttributes<E>, E> {
  ref?: Ref<E>;
  'api-base'?: string;
  token?: string;
  getToken?: () => string | Promise<string>;
  locale?: string;
  theme?: 'light' | 'dark';
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'credit-chat': CreditElementProps<CreditChat> & { operation?: OperationType; 'low-threshold'?: number; 'byok-available'?: boolean };
      'credit-balance': CreditElementProps<CreditBalance> & { 'low-threshold'?: number };
    }
  }
}
