print("ragctl")
