// How the call stage is arranged. With nobody sharing, every participant gets an equal
// tile in a grid. While a screen is shared the stage turns into a presentation view: one
// screen takes the large area and everything else (other screens, then people) goes into
// a strip beside it. A remote screen is featured before our own: our own is a preview, and
// what everyone came to see is someone else's presentation.

export interface StageScreen {
  key: string;
  isSelf: boolean;
}

export type StagePlan<S extends StageScreen> =
  | { kind: 'grid' }
  | {
      kind: 'presentation';
      /** Shown large. */
      featured: S;
      /** Screens shown small in the strip, before the people. */
      others: S[];
    };

/**
 * `screens` in display order (remote ones by peer order, ours last). `pinnedKey`: a screen
 * the user chose to feature; it wins while it is still shared.
 */
export function planStage<S extends StageScreen>(screens: readonly S[], pinnedKey?: string): StagePlan<S> {
  if (screens.length === 0) return { kind: 'grid' };
  const featured =
    screens.find((s) => s.key === pinnedKey) ?? screens.find((s) => !s.isSelf) ?? (screens[0] as S);
  return { kind: 'presentation', featured, others: screens.filter((s) => s !== featured) };
}
