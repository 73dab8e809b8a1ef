package io.cometbridge.samples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BOM lists every library artifact of the build at the build's version, and each library
 * POM carries the metadata a repository needs (the parent's name, url, licenses, scm are inherited).
 */
class BomTest {
    private static final Path ROOT = Path.of("..");

    private static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of the first direct child element called {@code name}, or null. */
    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e.getTextContent().trim();
        }
        return null;
    }

    @Test
    void theBomListsEveryLibraryArtifactAtTheBuildVersion() throws Exception {
        Element root = read(ROOT.resolve("pom.xml")).getDocumentElement();
        String version = child(root, "version");
        Set<String> libraries = new TreeSet<>();
        List<Path> poms;
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            poms = files.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("node_modules")).toList();
        }
        for (Path pom : poms) {
            Element project = read(pom).getDocumentElement();
            String packaging = child(project, "packaging");
            String artifact = child(project, "artifactId");
            if ("pom".equals(packaging) || artifact.equals("samples")) continue; // aggregators, the runnable application
            String group = child(project, "groupId");
            if (group != null && !group.equals("io.cometbridge")) continue; // a sample built apart (samples/spring-boot)
            libraries.add(artifact);
        }
        assertThat(libraries).contains("bridge-core", "bridge-client", "bridge-server", "bridge-metrics", "legacy-polling", "gateway");

        Element bom = read(ROOT.resolve("bom/pom.xml")).getDocumentElement();
        assertThat(child(bom, "version")).as("the BOM's own version").isEqualTo(version);
        for (String tag : List.of("name", "description", "url")) assertThat(child(bom, tag)).as(tag).isNotBlank();
        NodeList deps = bom.getElementsByTagName("dependency");
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertThat(child(d, "groupId")).isEqualTo("io.cometbridge");
            assertThat(child(d, "version")).isIn("${project.version}", version);
            listed.add(child(d, "artifactId"));
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(libraries);

        for (String tag : List.of("url", "licenses", "developers", "scm")) {
            assertThat(root.getElementsByTagName(tag).getLength()).as("the parent POM's " + tag).isPositive();
        }
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0, January 2004");
    }
}
