/**
 * What the docs site holds and in which order: the landing page, the guides, the reproductions and the
 * project pages. Every markdown file under docs/ is a page: those listed here get the title and place
 * given, any other one is added to its group (Reproductions for docs/experiments/, Guides otherwise)
 * under its first heading, so a new page is never left out of the site.
 */

/** One page of the site, from a markdown file of the repository. */
export interface PageSpec {
  /** The markdown file, relative to the repository root. */
  source: string;
  /** The page's name in the navigation; typedoc also derives its URL from it (`documents/<Title>.html`). */
  title: string;
  group: 'Guides' | 'Reproductions' | 'Project';
  /** A page the site does without when its file is absent (written by another change). */
  optional?: boolean;
}

/** The landing page (typedoc's `readme`: the site's index.html). */
export const LANDING = 'site/index.md';

/** The navigation's groups, in order; the API's modules come after them. */
export const GROUP_ORDER = ['Guides', 'Reproductions', 'Project'] as const;

export const PAGES: PageSpec[] = [
  { source: 'site/guides/node.md', title: 'Getting started in Node', group: 'Guides' },
  { source: 'docs/browser.md', title: 'In the browser', group: 'Guides' },
  { source: 'site/guides/backends.md', title: 'Choosing a backend', group: 'Guides' },
  { source: 'site/guides/diagnosis.md', title: 'Reading a diagnosis', group: 'Guides' },
  { source: 'docs/remedies.md', title: 'Remedies', group: 'Guides', optional: true },
  { source: 'docs/experiments/hacks.md', title: 'The hacks', group: 'Guides' },
  { source: 'docs/metrics/mnist-classifier.md', title: 'The MNIST classifier', group: 'Guides' },
  { source: 'docs/performance.md', title: 'Performance', group: 'Guides' },

  { source: 'docs/experiments/README.md', title: 'All reproductions', group: 'Reproductions' },
  { source: 'docs/experiments/failure-modes.md', title: 'Failure modes', group: 'Reproductions' },
  { source: 'docs/experiments/monitoring.md', title: 'Monitoring', group: 'Reproductions' },
  { source: 'docs/experiments/ndb.md', title: 'NDB', group: 'Reproductions' },
  { source: 'docs/experiments/wgan-gp.md', title: 'WGAN-GP', group: 'Reproductions' },
  { source: 'docs/experiments/distances.md', title: 'Distances', group: 'Reproductions' },
  { source: 'docs/experiments/survey.md', title: 'Loss families', group: 'Reproductions' },
  { source: 'docs/experiments/fashion-mnist.md', title: 'Fashion-MNIST', group: 'Reproductions' },
  { source: 'docs/experiments/feature-metrics.md', title: 'Feature-space scores', group: 'Reproductions' },
  { source: 'docs/experiments/conditional.md', title: 'Class-conditional digits', group: 'Reproductions' },
  { source: 'docs/experiments/remedies.md', title: 'Remedies matrix', group: 'Reproductions' },
  { source: 'docs/demo/README.md', title: 'The demo over five seeds', group: 'Reproductions' },

  { source: 'CONTRIBUTING.md', title: 'Contributing', group: 'Project' },
  { source: 'CHANGELOG.md', title: 'Changelog', group: 'Project' },
];
