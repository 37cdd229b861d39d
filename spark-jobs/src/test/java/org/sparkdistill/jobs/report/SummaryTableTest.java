package org.sparkdistill.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
    @Test
    void aRowPerModelWithItsSizeSpeedAndScoresInColumnsAsWideAsTheLongestName() {
        List<String> lines = SummaryTable.of(ReportFixtures.distill()).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).startsWith("teacher.onnx teacher    1,200,000      2.500    90.00%    100.00%   1.00%"),
                lines.get(2));
        assertTrue(lines.get(3).startsWith("student <b>  student      100,000      0.250    85.00%     90.00%   2.00%"),
                lines.get(3));
        assertEquals(lines.get(0).length(), lines.get(1).length(), "the rule is as long as the header");
    }

    @Test
    void aMissingAgreementIsADash() {
        String table = SummaryTable.of(ReportFixtures.evaluate());
        assertTrue(table.lines().toList().get(2).contains(" - "), table);
    }
}
