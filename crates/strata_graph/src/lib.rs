//! The import graph's data (source files, file edges) and directed-graph algorithms over dense
//! indices: strongly connected components, shortest cycles, neighbourhoods.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::VecDeque;

use strata_lang::Lang;

/// A source file of the repository and the module that owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Repository-relative path with `/`.
    pub path: String,
    pub lang: Lang,
    /// Index of the owning module; `None` for a file no module owns.
    pub module: Option<usize>,
}

/// One import edge between two source files (indices into the source list); `line` and
/// `column` are those of the first import in `from` that names `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEdge {
    pub from: u32,
    pub to: u32,
    pub line: u32,
    pub column: u32,
}

/// A directed graph on nodes `0..n`, stored as sorted, deduplicated adjacency lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    out: Vec<Vec<u32>>,
    inc: Vec<Vec<u32>>,
}

impl Graph {
    /// Build from edges; self edges and duplicates are dropped, out-of-range nodes ignored.
    pub fn new(n: usize, edges: impl IntoIterator<Item = (u32, u32)>) -> Graph {
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for (a, b) in edges {
            if a != b && (a as usize) < n && (b as usize) < n {
                out[a as usize].push(b);
                inc[b as usize].push(a);
            }
        }
        for v in out.iter_mut().chain(inc.iter_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        Graph { out, inc }
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Nodes `a` depends on (edges `a -> b`), sorted.
    pub fn successors(&self, a: u32) -> &[u32] {
        self.out.get(a as usize).map_or(&[], Vec::as_slice)
    }

    /// Nodes that depend on `b`, sorted.
    pub fn predecessors(&self, b: u32) -> &[u32] {
        self.inc.get(b as usize).map_or(&[], Vec::as_slice)
    }

    pub fn edge_count(&self) -> usize {
        self.out.iter().map(Vec::len).sum()
    }

    /// Strongly connected components with two or more nodes, each sorted, sorted by their
    /// smallest node. Iterative Tarjan: no recursion, so deep graphs cannot overflow the stack.
    pub fn cycles(&self) -> Vec<Vec<u32>> {
        let n = self.out.len();
        let mut index = vec![u32::MAX; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut next = 0u32;
        let mut sccs = Vec::new();
        let mut call: Vec<(u32, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != u32::MAX {
                continue;
            }
            call.push((u32::try_from(root).unwrap_or(u32::MAX), 0));
            while let Some(&mut (v, ref mut i)) = call.last_mut() {
                let vu = v as usize;
                if *i == 0 {
                    index[vu] = next;
                    low[vu] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[vu] = true;
                }
                if let Some(&w) = self.out[vu].get(*i) {
                    *i += 1;
                    let wu = w as usize;
                    if index[wu] == u32::MAX {
                        call.push((w, 0));
                    } else if on_stack[wu] {
                        low[vu] = low[vu].min(index[wu]);
                    }
                    continue;
                }
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent as usize] = low[parent as usize].min(low[vu]);
                }
                if low[vu] == index[vu] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if comp.len() > 1 {
                        comp.sort_unstable();
                        sccs.push(comp);
                    }
                }
            }
        }
        sccs.sort();
        sccs
    }

    /// The shortest closed walk from `start` back to itself using only nodes for which `inside`
    /// holds (first == last); `None` when there is none. Breadth-first, ties broken by the
    /// smallest node, so the answer is deterministic.
    pub fn shortest_cycle(&self, start: u32, inside: &dyn Fn(u32) -> bool) -> Option<Vec<u32>> {
        let n = self.out.len();
        if start as usize >= n {
            return None;
        }
        let mut parent = vec![u32::MAX; n];
        let mut queue = VecDeque::new();
        for &w in self.successors(start) {
            if w == start {
                return Some(vec![start, start]);
            }
            if inside(w) && parent[w as usize] == u32::MAX {
                parent[w as usize] = start;
                queue.push_back(w);
            }
        }
        while let Some(v) = queue.pop_front() {
            for &w in self.successors(v) {
                if w == start {
                    // Walk the parent links back from `v` to `start`, then read them forwards.
                    let mut back = vec![v];
                    let mut cur = v;
                    while parent[cur as usize] != start {
                        cur = parent[cur as usize];
                        back.push(cur);
                    }
                    let mut walk = Vec::with_capacity(back.len() + 2);
                    walk.push(start);
                    walk.extend(back.into_iter().rev());
                    walk.push(start);
                    return Some(walk);
                }
                if inside(w) && parent[w as usize] == u32::MAX && w != start {
                    parent[w as usize] = v;
                    queue.push_back(w);
                }
            }
        }
        None
    }

    /// Edges whose removal leaves the component `members` without cycles, chosen greedily:
    /// repeatedly take the shortest remaining cycle and drop its lightest edge (by `weight`,
    /// ties by position). Small, not always minimum (that problem is NP-hard); at most `limit`
    /// edges are returned.
    pub fn breaking_edges(
        &self,
        members: &[u32],
        weight: &dyn Fn(u32, u32) -> usize,
        limit: usize,
    ) -> Vec<(u32, u32)> {
        let inside: std::collections::HashSet<u32> = members.iter().copied().collect();
        let mut removed: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
        let mut out = Vec::new();
        while out.len() < limit {
            let sub = Graph::new(
                self.len(),
                members.iter().flat_map(|&a| {
                    self.successors(a)
                        .iter()
                        .filter(|b| inside.contains(b))
                        .map(move |&b| (a, b))
                        .filter(|e| !removed.contains(e))
                        .collect::<Vec<_>>()
                }),
            );
            let Some(cycle) = members
                .iter()
                .find_map(|&m| sub.shortest_cycle(m, &|v| inside.contains(&v)))
            else {
                break;
            };
            let Some(edge) = cycle
                .windows(2)
                .map(|w| (w[0], w[1]))
                .min_by_key(|&(a, b)| weight(a, b))
            else {
                break;
            };
            removed.insert(edge);
            out.push(edge);
        }
        out
    }

    /// Nodes within `depth` edges of `start`, following edges both ways, with their distance.
    pub fn neighbourhood(&self, start: u32, depth: usize) -> Vec<(u32, usize)> {
        let mut dist = vec![usize::MAX; self.out.len()];
        let mut queue = VecDeque::new();
        let mut found = Vec::new();
        if (start as usize) >= self.out.len() {
            return found;
        }
        dist[start as usize] = 0;
        queue.push_back(start);
        while let Some(v) = queue.pop_front() {
            let d = dist[v as usize];
            found.push((v, d));
            if d == depth {
                continue;
            }
            for &w in self.successors(v).iter().chain(self.predecessors(v)) {
                if dist[w as usize] == usize::MAX {
                    dist[w as usize] = d + 1;
                    queue.push_back(w);
                }
            }
        }
        found.sort_unstable();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedups_and_drops_self_edges() {
        let g = Graph::new(3, [(0, 1), (0, 1), (1, 1), (2, 0), (7, 0)]);
        assert_eq!(g.successors(0), [1]);
        assert_eq!(g.predecessors(0), [2]);
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn strongly_connected_components() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 4 -> 3, 5 alone
        let g = Graph::new(6, [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3)]);
        assert_eq!(g.cycles(), vec![vec![0, 1, 2], vec![3, 4]]);
        assert!(Graph::new(3, [(0, 1), (1, 2)]).cycles().is_empty());
    }

    #[test]
    fn shortest_cycle_is_found_in_order() {
        // 0 -> 1 -> 2 -> 0 and a longer 0 -> 3 -> 4 -> 5 -> 0
        let g = Graph::new(6, [(0, 1), (1, 2), (2, 0), (0, 3), (3, 4), (4, 5), (5, 0)]);
        assert_eq!(g.shortest_cycle(0, &|_| true), Some(vec![0, 1, 2, 0]));
        assert_eq!(g.shortest_cycle(3, &|_| true), Some(vec![3, 4, 5, 0, 3]));
        assert_eq!(g.shortest_cycle(0, &|v| v != 1), Some(vec![0, 3, 4, 5, 0]));
        assert_eq!(Graph::new(2, [(0, 1)]).shortest_cycle(0, &|_| true), None);
    }

    #[test]
    fn breaking_edges_prefers_light_edges() {
        // 0 <-> 1 (0->1 heavy), 1 -> 2 -> 0
        let g = Graph::new(3, [(0, 1), (1, 0), (1, 2), (2, 0)]);
        let weight = |a: u32, b: u32| if (a, b) == (0, 1) { 10 } else { 1 };
        let cut = g.breaking_edges(&[0, 1, 2], &weight, 10);
        let rest = Graph::new(
            3,
            [(0, 1), (1, 0), (1, 2), (2, 0)]
                .into_iter()
                .filter(|e| !cut.contains(e)),
        );
        assert!(rest.cycles().is_empty(), "{cut:?}");
        assert!(!cut.contains(&(0, 1)));
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 200_000u32;
        let g = Graph::new(n as usize, (0..n).map(|i| (i, (i + 1) % n)));
        assert_eq!(g.cycles()[0].len(), n as usize);
    }

    #[test]
    fn neighbourhood_goes_both_ways() {
        let g = Graph::new(5, [(0, 1), (1, 2), (3, 1), (2, 4)]);
        assert_eq!(g.neighbourhood(1, 1), vec![(0, 1), (1, 0), (2, 1), (3, 1)]);
        assert_eq!(g.neighbourhood(1, 0), vec![(1, 0)]);
    }
}
