import Foundation

/// Adds two numbers.
func add(_ a: Int, _ b: Int) -> Int {
    a + b
}

struct Point {
    var x: Double
    var y: Double

    func length() -> Double {
        (x * x + y * y).squareRoot()
    }
}
