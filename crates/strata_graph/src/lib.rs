//! Directed graphs over dense indices (files or modules): building from edge lists, strongly
//! connected components, and neighbourhoods. No knowledge of what the nodes are.

use std::collections::VecDeque;

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
