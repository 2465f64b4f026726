package dev.aigateway.controlplane.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The built console's files (well under a megabyte), read from the classpath into memory once.
 * Serving them through Jetty's classpath resources would mount the whole 170 MB gateway jar as a
 * zip file system, whose index of ~190,000 entries stays on the heap (~25 MB) for the process's
 * life.
 */
record ConsoleAssets(Map<String, Asset> files) {

  /** One file: its bytes and the content type it is served with. */
  record Asset(byte[] bytes, String contentType) {}

  /**
   * The files under {@code root} on the classpath, keyed by their URL path ({@code /index.html},
   * {@code /assets/index-abc.js}); empty when the console is not there.
   */
  static ConsoleAssets load(String root) {
    URL index = ConsoleAssets.class.getClassLoader().getResource(root + "/index.html");
    Map<String, Asset> files = new TreeMap<>();
    if (index == null) {
      return new ConsoleAssets(files);
    }
    try {
      switch (index.getProtocol()) {
        case "jar" -> {
          JarURLConnection connection = (JarURLConnection) index.openConnection();
          // The class loader's own jar file (cached): its index is already in memory.
          connection.setUseCaches(true);
          JarFile jar = connection.getJarFile();
          String prefix = root + "/";
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            JarEntry entry = e.nextElement();
            if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
              try (InputStream in = jar.getInputStream(entry)) {
                String path = entry.getName().substring(prefix.length() - 1);
                files.put(path, new Asset(in.readAllBytes(), contentType(path)));
              }
            }
          }
        }
        case "file" -> {
          Path dir = Path.of(index.toURI()).getParent();
          try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
              String path = "/" + dir.relativize(file).toString().replace('\\', '/');
              files.put(path, new Asset(Files.readAllBytes(file), contentType(path)));
            }
          }
        }
        default -> {
          try (InputStream in = index.openStream()) {
            files.put("/index.html", new Asset(in.readAllBytes(), contentType("/index.html")));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console from " + index, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return new ConsoleAssets(Map.copyOf(files));
  }

  @Nullable Asset get(String path) {
    return files.get(path);
  }

  static String contentType(String path) {
    String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "json", "map" -> "application/json";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "ico" -> "image/x-icon";
      case "woff2" -> "font/woff2";
      case "txt" -> "text/plain; charset=utf-8";
      default -> "application/octet-stream";
    };
  }
}
