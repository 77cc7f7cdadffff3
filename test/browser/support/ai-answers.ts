/**
 * AI answers as models write them to builders: the shapes a renderer most often gets wrong.
 * Each is compared with a reference renderer (markdown-it) and streamed in random pieces.
 */
export const AI_ANSWERS: readonly string[] = [
  // SQL with snake_case names outside backticks
  `To find late orders, join orders to customers on customer_id and compare shipped_at with due_date:

\`\`\`sql
SELECT o.order_id, c.full_name, o.due_date
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
WHERE o.shipped_at > o.due_date;
\`\`\`

The columns created_at, updated_at and __internal_flag are set by the database; window.__app_state holds the cache and my_table_name_v2 is the new table.`,

  // numbered steps with code under them
  `Here is how to add the export:

1. Open the **Orders** page and select the table.
2. Add a button with this handler:

   \`\`\`ts
   export async function exportCsv(rows: Order[]) {
     const lines = rows.map((r) => [r.id, r.total].join(','));
     return new Blob([lines.join('\\n')], { type: 'text/csv' });
   }
   \`\`\`

3. Bind it to the button's \`onClick\`:

       button.onClick = () => exportCsv(table.rows);

4. Save and preview.

That's it.`,

  // python under a list item: the indentation must go
  `1) Create a file \`main.py\`
2) Paste:

   \`\`\`python
   def total(items):
       return sum(i.price for i in items)
   \`\`\`
3) Run it with \`python main.py\``,

  // nested and mixed lists
  `- Data
  - Tables
    1. orders
    2. customers
  - Views
* Logic
  + Workflows
  + Triggers

10. ten
11. eleven

- loose item one

- loose item two

  with a second paragraph`,

  // tables of every GFM form
  `| Name | Type | Default |
|:-----|:----:|--------:|
| id | uuid | \`gen_random_uuid()\` |
| total | numeric | 0 |
| note | text \\| null | *none* |

Name | Rows
--- | ---
orders | 1200
customers | 87

| only header |
|---|

|a|b|
|-|-|
|1|
|1|2|3|`,

  // links with titles and parentheses, references, autolinks
  `See [the docs](https://example.com/docs "Docs title"), [a wiki page](https://en.wikipedia.org/wiki/Function_(mathematics)), and [the guide][guide].
Autolinks: <https://example.com/a?b=1&c=2>, www.example.com/path, https://example.org/x_(y) and mail help@example.com.
A [mail link](mailto:team@example.com 'Mail us') and [bad](javascript:alert(1)).

[guide]: https://example.com/guide "The guide"`,

  // headings, emphasis, escapes, entities, breaks
  `# Title
## Setext below

Sub title
---------

**Bold**, *italic*, ***both***, ~~removed~~, \`code with | pipe\`, escaped \\*stars\\* and \\_underscores\\_.
Entities: &amp; &lt;div&gt; &copy; &#169; &#x1F600;.
Line with hard break  
next line\\
last line.

> A quote
> - with a list
>
> \`\`\`js
> console.log(1)
> \`\`\`

---

~~~bash
npm install --save credit-chat
~~~`,
];
