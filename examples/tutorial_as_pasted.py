import hnswlib 
import numpy as np
dim = 256  # Dimensionality of your vectors
num_elements = 10000  # Number of elements to insert
data = np.random.rand(num_elements, dim).astype(np.float32)  # Example data
p = hnswlib.Index(space='l2', dim=dim)
p.init_index(max_elements=num_elements, ef_construction=200, M=16)
p.set_ef(50)  # This parameter controls the speed/accuracy trade-off
query_vector = np.random.rand(dim).astype(np.float32)  # Example query

labels, distances = p.knn_query(query_vector, k=5)  # k is the number of nearest neighbors
print("Nearest neighbors' labels:", labels)
print("Distances:", distances)
