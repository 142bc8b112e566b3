//! The block layout, written as the value is walked: where each line starts, what an empty map
//! or list looks like, and the moving of leading keys ([`KeyOrder`]).
//!
//! Nothing is built before it is written. A collection writes nothing when it opens, because
//! only its first child (or its end, when it has none) tells whether it continues the line of
//! its key or dash (`key: {}`) or starts new lines under it. Leading keys are found while a map
//! is written and moved to its front when it ends: every entry of a map starts at its
//! indentation and ends with a line break, so entries are contiguous spans of text that can be
//! reordered without re-serialising anything.

use std::cell::Cell;

use crate::KeyOrder;
use crate::keys::KeyLines;
use crate::scalar;

/// Where a value goes, which decides what precedes it on its line.
#[derive(Clone, Copy)]
pub(crate) enum Place {
    /// The whole document.
    Root,
    /// After `key:`, the key at this indentation.
    Value(usize),
    /// After `-`, the dash at this indentation.
    Item(usize),
}

/// An open map or list.
pub(crate) struct Block {
    /// Indentation of the children.
    level: usize,
    /// The document itself: nothing before its first child, no space before `{}` or `[]`.
    root: bool,
    /// A map rather than a list.
    map: bool,
    /// A map whose first key goes on its list item's dash line, with no indentation of its own.
    after_dash: bool,
    /// No child written yet: the collection is still `{}` or `[]`.
    empty: bool,
    /// Where the first child starts in the output.
    start: usize,
    /// The leading keys this map wants, empty for a list.
    rule: &'static [&'static str],
    /// This map's leading entries are `Writer::reused.leads[leads_base..]`.
    leads_base: usize,
}

/// A leading key's entry found in an open map: its rank in the rule and its span.
struct Lead {
    rank: usize,
    start: usize,
    /// [`OPEN`] until the next entry starts or the map ends.
    end: usize,
}

const OPEN: usize = usize::MAX;

/// The output and what the open maps share.
pub(crate) struct Writer {
    out: String,
    order: KeyOrder,
    reused: Reused,
}

/// What a writer keeps beyond its document: buffers and key decisions that the next
/// document's writer takes over (a file holds many documents, an output thousands).
struct Reused {
    /// Leading entries of the open maps, innermost last: a stack shared by all of them, so that
    /// no map allocates.
    leads: Vec<Lead>,
    /// The reordered text of a map, reused by every map.
    scratch: String,
    keys: KeyLines,
}

impl Reused {
    const EMPTY: Reused = Reused {
        leads: Vec::new(),
        scratch: String::new(),
        keys: KeyLines::EMPTY,
    };
}

impl Default for Reused {
    fn default() -> Reused {
        Reused::EMPTY
    }
}

thread_local! {
    /// The last writer's [`Reused`], for the next one on this thread. A writer takes it out
    /// while it works, so a document written in the middle of another starts afresh.
    static REUSED: Cell<Reused> = const { Cell::new(Reused::EMPTY) };
}

impl Writer {
    pub(crate) fn new(out: String, order: KeyOrder) -> Writer {
        Writer {
            out,
            order,
            reused: REUSED.take(),
        }
    }

    pub(crate) fn into_inner(mut self) -> String {
        // An error can leave entries of maps that never closed.
        self.reused.leads.clear();
        REUSED.set(self.reused);
        self.out
    }

    /// Writes a scalar whose text `write` appends.
    pub(crate) fn scalar(&mut self, place: Place, write: impl FnOnce(&mut String)) {
        if !matches!(place, Place::Root) {
            self.out.push(' ');
        }
        write(&mut self.out);
        self.out.push('\n');
    }

    /// Writes a string scalar, double-quoted. The quotes go out with the separators around
    /// them, one copy each: a string is the value of most lines.
    #[inline]
    pub(crate) fn string(&mut self, place: Place, text: &str) {
        if matches!(place, Place::Root) {
            self.out.push('"');
        } else {
            self.out.push_str(" \"");
        }
        scalar::write_string_content(&mut self.out, text);
        self.out.push_str("\"\n");
    }

    /// Opens a map (`map`) or a list at `place`.
    pub(crate) fn open(&mut self, place: Place, map: bool) -> Block {
        let (level, after_dash, rule) = match place {
            Place::Root => (0, false, if map { self.order.document } else { &[] }),
            Place::Value(level) => (level + 2, false, &[][..]),
            Place::Item(level) if map => (level + 2, true, self.order.list_item),
            Place::Item(level) => (level + 2, false, &[][..]),
        };
        Block {
            level,
            root: matches!(place, Place::Root),
            map,
            after_dash,
            empty: true,
            start: 0,
            rule,
            leads_base: self.reused.leads.len(),
        }
    }

    /// Starts a child of `block`: ends the previous leading entry. Gives where the child
    /// starts and its indentation, which its first write includes: a line start is copied
    /// whole with what follows it (`key:`, `-`). Inlined, as is [`Writer::start_entry`]: they
    /// run once per line, and a call costs about as much as their common path.
    #[inline(always)]
    fn child(&mut self, block: &mut Block) -> (usize, usize) {
        let indent = if block.empty {
            // The line break or space after the key or dash.
            if !block.root {
                self.out.push(if block.after_dash { ' ' } else { '\n' });
            }
            block.start = self.out.len();
            block.empty = false;
            if block.after_dash { 0 } else { block.level }
        } else {
            block.level
        };
        if !block.rule.is_empty() {
            self.end_lead(block);
        }
        (self.out.len(), indent)
    }

    /// Writes `key:` in map `block`; its value goes at the returned place.
    pub(crate) fn entry(&mut self, block: &mut Block, key: &str) -> Place {
        let indent = self.start_entry(block, key);
        self.reused.keys.write_text(&mut self.out, indent, key);
        Place::Value(block.level)
    }

    /// [`Writer::entry`] for a key that lives as long as the program (a field name), whose
    /// line is rendered once.
    pub(crate) fn field(&mut self, block: &mut Block, key: &'static str) -> Place {
        let indent = self.start_entry(block, key);
        self.reused.keys.write_static(&mut self.out, indent, key);
        Place::Value(block.level)
    }

    /// Starts the line of the entry `key` of map `block`, noting it when it leads; gives its
    /// indentation.
    #[inline(always)]
    fn start_entry(&mut self, block: &mut Block, key: &str) -> usize {
        let (start, indent) = self.child(block);
        if let Some(rank) = block.rule.iter().position(|k| *k == key) {
            // A key twice in one map would be a bug of its `Serialize`; its first entry leads.
            if !self.reused.leads[block.leads_base..]
                .iter()
                .any(|l| l.rank == rank)
            {
                self.reused.leads.push(Lead {
                    rank,
                    start,
                    end: OPEN,
                });
            }
        }
        indent
    }

    /// Writes `-` in list `block`; the item goes at the returned place.
    pub(crate) fn item(&mut self, block: &mut Block) -> Place {
        let (_, level) = self.child(block);
        match (DASHED.len() - 1).checked_sub(level) {
            Some(from) => self.out.push_str(&DASHED[from..]),
            None => {
                indent(&mut self.out, level);
                self.out.push('-');
            }
        }
        Place::Item(block.level)
    }

    /// Ends `block`: `{}` or `[]` when it had no child, else its leading keys to the front.
    /// Inlined: most collections have children and no rule, and end with these two tests.
    #[inline]
    pub(crate) fn close(&mut self, block: &mut Block) {
        if block.empty {
            self.out.push_str(match (block.root, block.map) {
                (true, true) => "{}\n",
                (true, false) => "[]\n",
                (false, true) => " {}\n",
                (false, false) => " []\n",
            });
        } else if !block.rule.is_empty() {
            self.close_leads(block);
        }
    }

    /// Ends a map that has a rule: its leading keys to the front.
    fn close_leads(&mut self, block: &mut Block) {
        self.end_lead(block);
        if self.reused.leads.len() > block.leads_base {
            self.lead(block);
            self.reused.leads.truncate(block.leads_base);
        }
    }

    /// Ends the span of this map's last leading entry, if it is still open: the text written
    /// since belongs to it (its value, however deep).
    fn end_lead(&mut self, block: &mut Block) {
        let end = self.out.len();
        if let Some(lead) = self
            .reused
            .leads
            .get_mut(block.leads_base..)
            .and_then(<[_]>::last_mut)
        {
            if lead.end == OPEN {
                lead.end = end;
            }
        }
    }

    /// Moves the leading entries of the map `block`, which has just ended, to its front.
    fn lead(&mut self, block: &Block) {
        let leads = &mut self.reused.leads[block.leads_base..];
        leads.sort_unstable_by_key(|l| l.rank);
        let mut at = block.start;
        let in_place = leads.iter().all(|l| {
            let here = l.start == at;
            at = l.end;
            here
        });
        if in_place {
            return;
        }
        let end = self.out.len();
        // The entries' spans come from `child` and `end_lead`: in range, at line starts (ASCII).
        let piece = |scratch: &mut String, from: usize, to: usize| {
            let own_indent = if from == block.start && block.after_dash {
                0
            } else {
                block.level
            };
            if !(scratch.is_empty() && block.after_dash) {
                indent(scratch, block.level);
            }
            scratch.push_str(&self.out[from + own_indent..to]);
        };
        self.reused.scratch.clear();
        for l in leads.iter() {
            piece(&mut self.reused.scratch, l.start, l.end);
        }
        // Then the other entries, in their order: the gaps between the leading ones.
        leads.sort_unstable_by_key(|l| l.start);
        let mut at = block.start;
        for l in leads.iter() {
            if at < l.start {
                piece(&mut self.reused.scratch, at, l.start);
            }
            at = l.end;
        }
        if at < end {
            piece(&mut self.reused.scratch, at, end);
        }
        // Same length: every entry but the first is indented, before and after. The map ends
        // the text so far, so its new text replaces the tail in one copy.
        self.out.truncate(block.start);
        self.out.push_str(&self.reused.scratch);
    }
}

/// Spaces for an indentation in one copy, then a dash: `DASHED[DASHED.len() - 1 - n..]` is
/// a list item's line start at indentation `n`, and `DASHED[..n]` an indentation.
const DASHED: &str = concat!(
    "                                                                ",
    "-"
);

/// `level` spaces.
pub(crate) fn indent(out: &mut String, level: usize) {
    let mut left = level;
    while left > 0 {
        let n = left.min(DASHED.len() - 1);
        out.push_str(&DASHED[..n]);
        left -= n;
    }
}
