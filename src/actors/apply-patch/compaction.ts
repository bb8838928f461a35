/**
 * Where a run of added (or removed) lines can slide because the lines around it repeat, any
 * position is equally minimal; this picks the one `git diff` shows (xdiff's `xdl_change_compact`).
 * Each run slides as far as it can (merging with runs it touches); then it lines up with a change
 * in the other file if it passed one, else, with the indent heuristic, takes the position whose
 * edges fall at the most natural places by indentation and blank lines, else stays lowest.
 */

/** A run [start, end) of changed lines; empty runs sit between every pair of unchanged lines. */
interface Group {
  start: number;
  end: number;
}

class Side {
  readonly g: Group = { start: 0, end: 0 };

  constructor(
    readonly ids: Int32Array,
    readonly changed: Uint8Array,
  ) {
    while (this.at(this.g.end)) this.g.end++;
  }

  /** `changed` with the virtual unchanged lines before the start and after the end. */
  at(i: number): boolean {
    return i >= 0 && i < this.changed.length && this.changed[i] === 1;
  }

  next(): boolean {
    const g = this.g;
    if (g.end === this.changed.length) return false;
    g.start = g.end + 1;
    g.end = g.start;
    while (this.at(g.end)) g.end++;
    return true;
  }

  previous(): boolean {
    const g = this.g;
    if (g.start === 0) return false;
    g.end = g.start - 1;
    g.start = g.end;
    while (this.at(g.start - 1)) g.start--;
    return true;
  }

  slideDown(): boolean {
    const g = this.g;
    if (g.end < this.changed.length && this.ids[g.start] === this.ids[g.end]) {
      this.changed[g.start++] = 0;
      this.changed[g.end++] = 1;
      while (this.at(g.end)) g.end++;
      return true;
    }
    return false;
  }

  slideUp(): boolean {
    const g = this.g;
    if (g.start > 0 && this.ids[g.start - 1] === this.ids[g.end - 1]) {
      this.changed[--g.start] = 1;
      this.changed[--g.end] = 0;
      while (this.at(g.start - 1)) g.start--;
      return true;
    }
    return false;
  }
}

/**
 * Compacts the changes of one file (`ids`/`changed`) against the other's. With `lines` (the file's
 * text lines) the indent heuristic decides between equally good positions.
 */
export function compact(
  ids: Int32Array,
  changed: Uint8Array,
  otherIds: Int32Array,
  otherChanged: Uint8Array,
  lines?: readonly string[],
): void {
  const self = new Side(ids, changed);
  const other = new Side(otherIds, otherChanged);
  const g = self.g;
  const go = other.g;
  for (;;) {
    if (g.end !== g.start) {
      let size: number;
      let earliestEnd: number;
      let endMatchingOther: number;
      do {
        size = g.end - g.start;
        endMatchingOther = -1;
        // Moving this run past an unchanged line moves it to the neighbouring run of the other file.
        while (self.slideUp()) other.previous();
        earliestEnd = g.end;
        if (go.end > go.start) endMatchingOther = g.end;
        while (self.slideDown()) {
          other.next();
          if (go.end > go.start) endMatchingOther = g.end;
        }
      } while (size !== g.end - g.start);

      if (g.end === earliestEnd) {
        // It could not move.
      } else if (endMatchingOther !== -1) {
        while (go.end === go.start) {
          self.slideUp();
          other.previous();
        }
      } else if (lines !== undefined) {
        const best = bestShift(lines, earliestEnd, g.end, size);
        while (g.end > best) {
          self.slideUp();
          other.previous();
        }
      }
    }
    if (!self.next()) break;
    other.next();
  }
}

const MAX_INDENT = 200;
const MAX_BLANKS = 20;
const INDENT_HEURISTIC_MAX_SLIDING = 100;
const START_OF_FILE_PENALTY = 1;
const END_OF_FILE_PENALTY = 21;
const TOTAL_BLANK_WEIGHT = -30;
const POST_BLANK_WEIGHT = 6;
const RELATIVE_INDENT_PENALTY = -4;
const RELATIVE_INDENT_WITH_BLANK_PENALTY = 10;
const RELATIVE_OUTDENT_PENALTY = 24;
const RELATIVE_OUTDENT_WITH_BLANK_PENALTY = 17;
const RELATIVE_DEDENT_PENALTY = 23;
const RELATIVE_DEDENT_WITH_BLANK_PENALTY = 17;
const INDENT_WEIGHT = 60;

/** The end position (between `earliestEnd` and `end`) whose two edges score best; ties go lowest. */
function bestShift(lines: readonly string[], earliestEnd: number, end: number, size: number): number {
  let shift = Math.max(earliestEnd, end - size - 1, end - INDENT_HEURISTIC_MAX_SLIDING);
  let best = -1;
  let bestScore: Score = { effectiveIndent: 0, penalty: 0 };
  for (; shift <= end; shift++) {
    const score: Score = { effectiveIndent: 0, penalty: 0 };
    scoreSplit(lines, shift, score);
    scoreSplit(lines, shift - size, score);
    if (best === -1 || compareScores(score, bestScore) <= 0) {
      bestScore = score;
      best = shift;
    }
  }
  return best;
}

interface Score {
  effectiveIndent: number;
  penalty: number;
}

function compareScores(s1: Score, s2: Score): number {
  const cmp = Math.sign(s1.effectiveIndent - s2.effectiveIndent);
  return INDENT_WEIGHT * cmp + (s1.penalty - s2.penalty);
}

/** Columns of leading whitespace (tab stops of 8), or -1 for a blank line. */
function indentOf(line: string): number {
  let ret = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " ") ret += 1;
    else if (c === "\t") ret += 8 - (ret % 8);
    else if (c !== "\n" && c !== "\r" && c !== "\f" && c !== "\v") return ret;
    if (ret >= MAX_INDENT) return MAX_INDENT;
  }
  return -1;
}

/** Adds the badness of splitting the file just above line `split` (xdiff's measure + score). */
function scoreSplit(lines: readonly string[], split: number, s: Score): void {
  const endOfFile = split >= lines.length;
  const indent0 = endOfFile ? -1 : indentOf(lines[split]);
  let preBlank = 0;
  let preIndent = -1;
  for (let i = split - 1; i >= 0; i--) {
    preIndent = indentOf(lines[i]);
    if (preIndent !== -1) break;
    preBlank++;
    if (preBlank === MAX_BLANKS) {
      preIndent = 0;
      break;
    }
  }
  let postBlankAfter = 0;
  let postIndent = -1;
  for (let i = split + 1; i < lines.length; i++) {
    postIndent = indentOf(lines[i]);
    if (postIndent !== -1) break;
    postBlankAfter++;
    if (postBlankAfter === MAX_BLANKS) {
      postIndent = 0;
      break;
    }
  }

  if (preIndent === -1 && preBlank === 0) s.penalty += START_OF_FILE_PENALTY;
  if (endOfFile) s.penalty += END_OF_FILE_PENALTY;
  const postBlank = indent0 === -1 ? 1 + postBlankAfter : 0;
  const totalBlank = preBlank + postBlank;
  s.penalty += TOTAL_BLANK_WEIGHT * totalBlank;
  s.penalty += POST_BLANK_WEIGHT * postBlank;
  const indent = indent0 !== -1 ? indent0 : postIndent;
  const anyBlanks = totalBlank !== 0;
  s.effectiveIndent += indent;
  if (indent === -1 || preIndent === -1) {
    // Nothing to compare with.
  } else if (indent > preIndent) {
    s.penalty += anyBlanks ? RELATIVE_INDENT_WITH_BLANK_PENALTY : RELATIVE_INDENT_PENALTY;
  } else if (indent < preIndent) {
    if (postIndent !== -1 && postIndent > indent) {
      s.penalty += anyBlanks ? RELATIVE_OUTDENT_WITH_BLANK_PENALTY : RELATIVE_OUTDENT_PENALTY;
    } else {
      s.penalty += anyBlanks ? RELATIVE_DEDENT_WITH_BLANK_PENALTY : RELATIVE_DEDENT_PENALTY;
    }
  }
}
