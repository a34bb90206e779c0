import type { HttpMethod, Route } from './route.ts';

/** A route found for a request path, with its decoded path parameters. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

interface Compiled {
  route: Route;
  segments: string[];
  literals: number;
}

/**
 * Matches request paths against the route table's API Gateway templates
 * (`/v1/settings/envs/{env}`), preferring the template with the most literal
 * segments, as API Gateway does.
 */
export class RouteMatcher {
  readonly #compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.#compiled = routes
      .map((route) => {
        const segments = route.path.split('/').slice(1);
        return { route, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** The route for this method and path, the methods the path allows otherwise, or nothing. */
  match(method: string, path: string): { found: RouteMatch } | { allowed: HttpMethod[] } | undefined {
    const parts = path.split('/').slice(1);
    const allowed: HttpMethod[] = [];
    for (const candidate of this.#compiled) {
      const params = matchSegments(candidate.segments, parts);
      if (params === undefined) continue;
      if (candidate.route.method === method) return { found: { route: candidate.route, params } };
      allowed.push(candidate.route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const p = parts[i] as string;
    if (t.startsWith('{') && t.endsWith('}')) {
      if (p === '') return undefined;
      try {
        params[t.slice(1, -1)] = decodeURIComponent(p);
      } catch {
        return undefined;
      }
    } else if (t !== p) {
      return undefined;
    }
  }
  return params;
}
