"""`pamphleteer new`: a folder ready to write a pamphlet in (project.py), made from starter/."""
