//! Deployment waves: modules in dependency order, each wave depending only on earlier ones;
//! the modules of a cycle go out together, in one wave.

use strata_graph::Graph;

/// The plan: waves of node indices (sorted within a wave) and the cycles met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waves {
    /// `waves[0]` holds the nodes that depend on nothing in the plan.
    pub waves: Vec<Vec<u32>>,
    /// Strongly connected components of two or more nodes, each sorted.
    pub cycles: Vec<Vec<u32>>,
}

/// Waves for the nodes of `graph` for which `include` holds; an edge `a -> b` means `a`
/// depends on `b`, so `b` goes out first. Each node's wave is one more than the latest wave of
/// its dependencies (components of a cycle count as one node), which gives the fewest waves
/// possible: the length of the longest dependency chain.
pub fn waves(graph: &Graph, include: &dyn Fn(u32) -> bool) -> Waves {
    let n = graph.len();
    let nodes: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX))
        .filter(|&v| include(v))
        .collect();
    let sub = Graph::new(
        n,
        nodes.iter().flat_map(|&a| {
            graph
                .successors(a)
                .iter()
                .filter(|&&b| include(b))
                .map(move |&b| (a, b))
        }),
    );
    let cycles = sub.cycles();
    // Component of every node: its cycle, or itself.
    let mut comp: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
    for c in &cycles {
        for &v in c {
            comp[v as usize] = c[0];
        }
    }
    // Longest-path layering of the condensation, computed by memoised depth-first search on
    // an explicit stack (deep graphs cannot overflow).
    let mut wave = vec![0usize; n];
    let mut state = vec![0u8; n]; // 0 new, 1 open, 2 done (per component representative)
    let members = |c: u32| -> Vec<u32> {
        cycles
            .iter()
            .find(|cy| cy[0] == c)
            .cloned()
            .unwrap_or_else(|| vec![c])
    };
    for &start in &nodes {
        let root = comp[start as usize];
        if state[root as usize] == 2 {
            continue;
        }
        let mut stack = vec![(root, false)];
        while let Some((c, expanded)) = stack.pop() {
            if expanded {
                let mut w = 0;
                for m in members(c) {
                    for &d in sub.successors(m) {
                        let dc = comp[d as usize];
                        if dc != c {
                            w = w.max(wave[dc as usize] + 1);
                        }
                    }
                }
                wave[c as usize] = w;
                state[c as usize] = 2;
                continue;
            }
            if state[c as usize] != 0 {
                continue;
            }
            state[c as usize] = 1;
            stack.push((c, true));
            for m in members(c) {
                for &d in sub.successors(m) {
                    let dc = comp[d as usize];
                    if dc != c && state[dc as usize] == 0 {
                        stack.push((dc, false));
                    }
                }
            }
        }
    }
    let count = nodes
        .iter()
        .map(|&v| wave[comp[v as usize] as usize] + 1)
        .max()
        .unwrap_or(0);
    let mut out = vec![Vec::new(); count];
    for &v in &nodes {
        out[wave[comp[v as usize] as usize]].push(v);
    }
    for w in &mut out {
        w.sort_unstable();
    }
    Waves { waves: out, cycles }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_diamond_and_cycle() {
        // 0 -> 1 -> 3, 0 -> 2 -> 3, 4 <-> 5 -> 3, 6 alone
        let g = Graph::new(7, [(0, 1), (1, 3), (0, 2), (2, 3), (4, 5), (5, 4), (5, 3)]);
        let w = waves(&g, &|_| true);
        assert_eq!(w.waves, vec![vec![3, 6], vec![1, 2, 4, 5], vec![0]]);
        assert_eq!(w.cycles, vec![vec![4, 5]]);
    }

    #[test]
    fn restriction_drops_nodes_and_their_edges() {
        let g = Graph::new(3, [(0, 1), (1, 2)]);
        let w = waves(&g, &|v| v != 1);
        assert_eq!(w.waves, vec![vec![0, 2]]);
        assert!(waves(&Graph::new(0, []), &|_| true).waves.is_empty());
    }
}
