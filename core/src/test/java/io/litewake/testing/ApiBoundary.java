package io.litewake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a published module shows its users, read from its build output (target/classes or its
 * jar), whatever the tests run on (they run on the class path, where no module is named): the
 * compiled {@code module-info.class}, the {@code META-INF/services} files, and the public
 * signatures of the types in the exported packages.
 */
public final class ApiBoundary {
  private final Path root;
  private final FileSystem jar;
  private final ClassLoader loader;

  private ApiBoundary(Path root, FileSystem jar, ClassLoader loader) {
    this.root = root;
    this.jar = jar;
    this.loader = loader;
  }

  /** The build output (directory or jar) that {@code anchor} was loaded from. */
  public static ApiBoundary of(Class<?> anchor) {
    try {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        return new ApiBoundary(location, null, anchor.getClassLoader());
      }
      FileSystem fs = FileSystems.newFileSystem(location);
      return new ApiBoundary(fs.getPath("/"), fs, anchor.getClassLoader());
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot open the build output of " + anchor, e);
    }
  }

  /**
   * The compiled module descriptor, its {@code packages()} being every package with classes in
   * the build output; fails if the module has none.
   */
  public ModuleDescriptor descriptor() {
    Path mi = root.resolve("module-info.class");
    if (!Files.exists(mi)) {
      throw new AssertionError("no module-info.class in " + root);
    }
    try (InputStream in = Files.newInputStream(mi)) {
      return ModuleDescriptor.read(in, this::packages);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every package with a class in the build output. */
  public Set<String> packages() {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".class") && f.getParent() != null
              && !f.getParent().equals(root) && !f.startsWith(root.resolve("META-INF")))
          .map(f -> root.relativize(f.getParent()).toString().replace('/', '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Packages exported to every module. */
  public static Set<String> unqualifiedExports(ModuleDescriptor d) {
    return d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Packages opened to every module. */
  public static Set<String> unqualifiedOpens(ModuleDescriptor d) {
    return d.opens().stream().filter(o -> !o.isQualified()).map(ModuleDescriptor.Opens::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The modules named as targets of qualified exports. */
  public static Set<String> qualifiedExportTargets(ModuleDescriptor d) {
    return d.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
        .flatMap(e -> e.targets().stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The provider classes listed in {@code META-INF/services/<service>} (class-path discovery). */
  public Set<String> serviceFile(String service) {
    Path f = root.resolve("META-INF/services/" + service);
    if (!Files.exists(f)) {
      return Set.of();
    }
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8).stream()
          .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every public or protected signature of the API types in {@code packages} (public top-level
   * types and their public or protected member types) that mentions a type from a package for
   * which {@code hidden} is true: supertypes, type parameter bounds, fields, constructors and
   * methods (parameters, returns, exceptions). Empty when the API leaks nothing.
   */
  public List<String> leaks(Set<String> packages, Predicate<String> hidden) {
    List<String> found = new ArrayList<>();
    for (Class<?> type : apiTypes(packages)) {
      check(type + " extends", type.getGenericSuperclass(), hidden, found);
      for (Type t : type.getGenericInterfaces()) {
        check(type + " implements", t, hidden, found);
      }
      for (TypeVariable<?> v : type.getTypeParameters()) {
        check(type + " type parameter " + v, v, hidden, found);
      }
      for (Field f : type.getDeclaredFields()) {
        if (visible(f) && !f.isSynthetic()) {
          check("field " + f, f.getGenericType(), hidden, found);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (visible(c) && !c.isSynthetic()) {
          checkExecutable("constructor " + c, c, hidden, found);
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
          check("method " + m + " returns", m.getGenericReturnType(), hidden, found);
          checkExecutable("method " + m, m, hidden, found);
        }
      }
    }
    return found;
  }

  /** The public top-level types of {@code packages} and their public or protected member types. */
  public List<Class<?>> apiTypes(Set<String> packages) {
    List<Class<?>> types = new ArrayList<>();
    for (String pkg : packages) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      if (!Files.isDirectory(dir)) {
        throw new AssertionError("package " + pkg + " not found in " + root);
      }
      List<String> names;
      try (Stream<Path> files = Files.list(dir)) {
        names = files.map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class"))
            .sorted().collect(Collectors.toList());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String n : names) {
        Class<?> c = load(pkg + "." + n.substring(0, n.length() - ".class".length()));
        if (Modifier.isPublic(c.getModifiers())) {
          addWithMembers(c, types);
        }
      }
    }
    return types;
  }

  /** Closes the jar file system, if the build output was a jar. */
  public void close() throws IOException {
    if (jar != null) {
      jar.close();
    }
  }

  private static void addWithMembers(Class<?> c, List<Class<?>> types) {
    types.add(c);
    for (Class<?> m : c.getDeclaredClasses()) {
      int mod = m.getModifiers();
      if (Modifier.isPublic(mod) || (Modifier.isProtected(mod) && !Modifier.isFinal(c.getModifiers()))) {
        addWithMembers(m, types);
      }
    }
  }

  private Class<?> load(String name) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Public, or protected in a class users can extend. */
  private static boolean visible(Member m) {
    int mod = m.getModifiers();
    if (Modifier.isPublic(mod)) {
      return true;
    }
    Class<?> owner = m.getDeclaringClass();
    return Modifier.isProtected(mod) && !Modifier.isFinal(owner.getModifiers()) && !owner.isEnum()
        && !owner.isRecord();
  }

  private static void checkExecutable(String where, Executable e, Predicate<String> hidden,
      List<String> found) {
    for (Type t : e.getGenericParameterTypes()) {
      check(where + " takes", t, hidden, found);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(where + " throws", t, hidden, found);
    }
    for (TypeVariable<?> v : e.getTypeParameters()) {
      check(where + " type parameter " + v, v, hidden, found);
    }
  }

  private static void check(String where, Type t, Predicate<String> hidden, List<String> found) {
    Set<Class<?>> mentioned = new HashSet<>();
    collect(t, mentioned, new HashSet<>());
    mentioned.stream().filter(c -> hidden.test(c.getPackageName())).map(Class::getName).sorted()
        .forEach(n -> found.add(where + ": " + n));
  }

  private static void collect(Type t, Set<Class<?>> names, Set<Object> seen) {
    if (t == null || !seen.add(t)) {
      return;
    }
    if (t instanceof Class<?>) {
      Class<?> c = (Class<?>) t;
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive()) {
        names.add(c);
        collect(c.getEnclosingClass(), names, seen); // Outer.Inner names Outer too
      }
    } else if (t instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) t;
      collect(p.getRawType(), names, seen);
      collect(p.getOwnerType(), names, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, names, seen);
      }
    } else if (t instanceof WildcardType) {
      WildcardType w = (WildcardType) t;
      for (Type b : w.getUpperBounds()) {
        collect(b, names, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, names, seen);
      }
    } else if (t instanceof TypeVariable<?>) {
      for (Type b : ((TypeVariable<?>) t).getBounds()) {
        collect(b, names, seen);
      }
    } else if (t instanceof GenericArrayType) {
      collect(((GenericArrayType) t).getGenericComponentType(), names, seen);
    }
  }

  /** A package with a segment {@code internal}, ours or a dependency's. */
  public static boolean isInternal(String pkg) {
    return Set.of(pkg.split("\\.")).contains("internal");
  }
}
