import type { Report } from '../../src/engine/types.js';
import type { KnownComponentVersion } from '../../src/model/control-plane.js';
import type { Version } from '../../src/model/version.js';
import { describeWindow, inWindow, measuredAgainst, type AllowedWindow } from '../../src/facts/skew-policy.js';
import { distance, show } from '../../src/facts/wording.js';

/** A finding for each component outside its window, naming both versions and the allowed minors. */
export function outsideWindow(
  components: readonly KnownComponentVersion[],
  window: AllowedWindow,
  api: { oldest: Version; newest: Version },
): Report[] {
  return components
    .filter((c) => !inWindow(c.version, window))
    .map((c) => {
      const against = measuredAgainst(c.version, api);
      return {
        subject: c.subject,
        message:
          `${c.component} ${show(c.version)}${c.node ? ` on node ${c.node}` : ''} is ${distance(c.version, against)} ` +
          `kube-apiserver ${show(against)}; allowed ${c.component} minors: ${describeWindow(window)}`,
      };
    });
}
