// `npm run analyze`: writes custom-elements.json (named in package.json "customElements") from
// the elements' classes and JSDoc: attributes, properties, events, slots, parts, CSS properties
// and custom states.

/**
 * The analyzer also lists every `dispatchEvent(new X(...))` it sees, guessing a name from the
 * constructor's argument; the events are documented with `@event`, so only those are kept.
 */
const documentedEventsOnly = {
  name: 'credit-chat-documented-events',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (declaration.events) {
          declaration.events = declaration.events.filter((event) => event.name?.startsWith('credit-') && event.description);
        }
      }
    }
  },
};

export default {
  globs: ['src/components/**/*.ts', 'src/events/**/*.ts', 'src/define.ts'],
  exclude: ['src/components/**/*.styles.ts', 'src/components/credit-chat/chat-entry.ts'],
  outdir: '.',
  litelement: true,
  plugins: [documentedEventsOnly],
};
