import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * EPUBCheck for the test suite, one Java process for every EPUB it checks.
 *
 * EPUBCheck spends seconds compiling its schemas when it starts, and a fraction of a
 * second on a small EPUB after that. This reads lines "EPUB TAB JSON-REPORT TAB PROFILE"
 * from its standard input, checks each EPUB as `java -jar epubcheck.jar EPUB -q
 * --profile PROFILE --json JSON-REPORT` would, and answers each with a line holding the
 * exit code that command would have given. (tests/epubcheck_server.py starts it.)
 */
public class EpubCheckServer {
    public static void main(String[] args) throws Exception {
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream answers = System.out;
        System.setOut(System.err); // whatever EPUBCheck prints must not mix with the answers
        String line;
        while ((line = requests.readLine()) != null) {
            String[] request = line.split("\t");
            int code = new EpubChecker().run(new String[] {
                request[0], "-q", "--profile", request[2], "--json", request[1]});
            answers.println(code);
            answers.flush();
        }
    }
}
