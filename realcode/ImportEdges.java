/*
 * The Java reference of the real-code suite: javac's own file-level import graph.
 *
 *     java ImportEdges.java ROOT DIR... > edges.tsv
 *
 * Compiles every .java file under ROOT/DIR... as one javac task (Compiler Tree API: parse, then
 * analyze, which enters every class and resolves every import), tolerating errors such as
 * missing external libraries, and prints one "from<TAB>to" line per edge, both ROOT-relative
 * with '/' separators, sorted and unique. On stderr: a summary (files, imports, diagnostics).
 *
 * What an import names is javac's resolution, never a reading of its text:
 *   import a.B;            the element javac bound the name to (a class, or a nested class such
 *   import a.B.C;          as a.B.C) -> the file declaring its top-level class (B).
 *   import static a.B.m;   the class javac resolved the qualifier a.B to -> the file declaring
 *   import static a.B.*;   its top-level class; m itself (a method, field or member class, maybe
 *                          overloaded) is never looked at.
 *   import a.b.*;          the qualifier is a package -> every compilation unit of the compiled
 *                          set whose package is a.b (package-info.java included), whether the
 *                          importing file uses any of their classes or not. This is strata's
 *                          documented meaning of a wildcard; javac itself only makes the
 *                          package's classes visible by simple name.
 *   import a.B.*;          the qualifier is a class -> the file declaring its top-level class.
 * "The file declaring a top-level class" is the compilation unit whose type declarations javac
 * entered as that class. An import javac cannot resolve to a class of the compiled set (the
 * platform, a missing library) gives no edge, and neither does a file importing itself. Uses of
 * same-package classes, or of fully qualified names in code, are not imports and are not edges.
 */

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public class ImportEdges {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java ImportEdges.java ROOT DIR...");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            try (Stream<Path> walk = Files.walk(root.resolve(args[i]))) {
                walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().forEach(files::add);
            }
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        int[] errors = {0};
        // Errors are expected (libraries outside the compiled set are absent) and only counted.
        // Imports are resolved when classes are entered, so analyze() stops there (should-stop):
        // attributing method bodies would change no import's element, only take longer.
        List<String> options = List.of("-XDshould-stop.ifError=ENTER", "-XDshould-stop.ifNoError=ENTER",
                "-Xmaxerrs", "1000000", "-proc:none", "-implicit:none", "-nowarn", "-Xlint:none", "-encoding", "UTF-8");
        Writer discard = Writer.nullWriter();
        JavacTask task = (JavacTask) javac.getTask(discard, fm, d -> {
            if (d.getKind() == Diagnostic.Kind.ERROR) errors[0]++;
        }, options, null, fm.getJavaFileObjectsFromPaths(files));
        Iterable<? extends CompilationUnitTree> units = task.parse();
        task.analyze();
        Trees trees = Trees.instance(task);

        // Each compilation unit's path, the top-level classes it declares, and its package.
        Map<CompilationUnitTree, String> pathOf = new HashMap<>();
        Map<Element, String> fileOfClass = new HashMap<>();
        Map<String, List<String>> filesOfPackage = new HashMap<>();
        for (CompilationUnitTree unit : units) {
            String path = root.relativize(Path.of(unit.getSourceFile().toUri())).toString().replace('\\', '/');
            pathOf.put(unit, path);
            String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
            filesOfPackage.computeIfAbsent(pkg, k -> new ArrayList<>()).add(path);
            TreePath unitPath = new TreePath(unit);
            for (Tree decl : unit.getTypeDecls()) {
                Element e = trees.getElement(new TreePath(unitPath, decl));
                if (e instanceof TypeElement) fileOfClass.put(e, path);
            }
        }

        TreeSet<String> edges = new TreeSet<>();
        int imports = 0;
        int unresolved = 0;
        int inSet = 0;
        for (CompilationUnitTree unit : units) {
            String from = pathOf.get(unit);
            TreePath unitPath = new TreePath(unit);
            for (ImportTree imp : unit.getImports()) {
                imports++;
                TreePath impPath = new TreePath(unitPath, imp);
                TreePath name = new TreePath(impPath, imp.getQualifiedIdentifier());
                MemberSelectTree select = (MemberSelectTree) imp.getQualifiedIdentifier();
                boolean onDemand = select.getIdentifier().contentEquals("*");
                // Static and on-demand imports: what the qualifier (before the last dot) names.
                Element target = imp.isStatic() || onDemand
                        ? trees.getElement(new TreePath(name, select.getExpression()))
                        : trees.getElement(name);
                List<String> to = new ArrayList<>();
                if (target instanceof PackageElement pkg) {
                    to.addAll(filesOfPackage.getOrDefault(pkg.getQualifiedName().toString(), List.of()));
                } else if (target != null) {
                    String file = fileOfClass.get(topLevel(target));
                    if (file != null) to.add(file);
                }
                if (target == null) unresolved++;
                if (!to.isEmpty()) inSet++;
                for (String t : to) {
                    if (!t.equals(from)) edges.add(from + "\t" + t);
                }
            }
        }

        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        for (String e : edges) out.println(e);
        out.flush();
        System.err.printf("%d files, %d imports (%d naming the compiled set, %d without an element), %d edges, %d javac errors%n",
                pathOf.size(), imports, inSet, unresolved, edges.size(), errors[0]);
    }

    /** The outermost class enclosing `e` (itself when top-level). */
    static Element topLevel(Element e) {
        while (e.getEnclosingElement() != null
                && e.getEnclosingElement().getKind() != ElementKind.PACKAGE
                && e.getEnclosingElement().getKind() != ElementKind.MODULE) {
            e = e.getEnclosingElement();
        }
        return e;
    }
}
